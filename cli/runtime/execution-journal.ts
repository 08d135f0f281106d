import { VersionConflictError } from '../../lambdas/core/errors.js';
import type { StateStore } from '../../lambdas/ports/state-store.js';

/** Where a running execution is: the Task state it entered last and that state's input. */
export interface JournalEntry {
  intentId: string;
  state: string;
  input: Record<string, unknown>;
  at: string;
}

/**
 * What the local runtime keeps so a control plane that dies mid-execution can carry on after a restart, as
 * Step Functions keeps an execution's history: each running execution's last entered Task state and its input,
 * in the state table's `LOCAL#EXECUTIONS` partition. Stage handlers are idempotent (a retried step appends
 * its entry once), so resuming re-runs that Task as a Retry would.
 */
export class ExecutionJournal {
  private static readonly partition = 'LOCAL#EXECUTIONS';

  constructor(private readonly state: StateStore) {}

  async save(entry: JournalEntry): Promise<void> {
    await this.state.put(ExecutionJournal.partition, entry.intentId, entry);
  }

  /** Saves the entry unless the intent has one: true when this call wrote it. */
  async saveIfAbsent(entry: JournalEntry): Promise<boolean> {
    try {
      await this.state.put(ExecutionJournal.partition, entry.intentId, entry, 0);
      return true;
    } catch (error) {
      if (error instanceof VersionConflictError) return false;
      throw error;
    }
  }

  async get(intentId: string): Promise<JournalEntry | undefined> {
    return (await this.state.get<JournalEntry>(ExecutionJournal.partition, intentId))?.data;
  }

  async drop(intentId: string): Promise<void> {
    await this.state.delete(ExecutionJournal.partition, intentId);
  }

  async list(): Promise<JournalEntry[]> {
    return (await this.state.list<JournalEntry>(ExecutionJournal.partition)).map((item) => item.data);
  }
}
