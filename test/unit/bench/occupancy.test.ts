import { occupancy } from '../../../bench/occupancy.js';

/** A call that ends when the test says so. */
function deferred() {
  let end!: () => void;
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  return { ended, end };
}

test('occupancy counts the time some call was in flight once, however many overlapped, and none of the gaps', async () => {
  // Prepare
  let clock = 0;
  const target = {
    calls: 0,
    async work(call: { ended: Promise<void> }) {
      this.calls += 1;
      await call.ended;
    },
  };
  const measured = occupancy(target, 'work', () => clock);
  const [a, b, c] = [deferred(), deferred(), deferred()];

  // Act: two calls overlapping from 10 to 70, nothing from 70 to 170, one from 170 to 210 and one still in flight.
  clock = 10;
  const first = target.work(a);
  clock = 20;
  const second = target.work(b);
  clock = 50;
  a.end();
  await first;
  clock = 70;
  b.end();
  await second;
  clock = 170;
  const third = target.work(c);
  clock = 210;
  c.end();
  await third;
  clock = 300;
  const fourth = deferred();
  const inFlight = target.work(fourth);
  clock = 305;
  const occupied = measured.occupiedMs();
  fourth.end();
  await inFlight;
  measured.restore();
  clock = 400;
  await target.work({ ended: Promise.resolve() });

  // Assess
  expect(occupied).toBe(60 + 40 + 5);
  expect(target.calls).toBe(5);
  expect(measured.occupiedMs()).toBe(60 + 40 + 5); // the fourth ended at 305; the fifth, after restore, is not seen
});
