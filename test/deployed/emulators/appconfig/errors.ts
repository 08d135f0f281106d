/**
 * AppConfig's errors as its REST API returns them (restJson1): the error name in the `x-amzn-ErrorType`
 * header, the HTTP status the SDK's model gives each one, and a `Message` in the body. The names and codes
 * are those of @aws-sdk/client-appconfig's error schemas (BadRequestException 400, ResourceNotFoundException
 * 404, ConflictException 409), so the real SDK raises the real exception class.
 */
export abstract class AppConfigServiceError extends Error {
  abstract readonly status: number;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }

  /** The JSON body AppConfig sends with this error. */
  body(): Record<string, unknown> {
    return { Message: this.message };
  }
}

/** One failing check of a configuration, as AppConfig's `InvalidConfigurationDetail`. */
export interface InvalidConfigurationDetail {
  Constraint?: string;
  Location?: string;
  Reason?: string;
  Type?: string;
  Value?: string;
}

export class BadRequestException extends AppConfigServiceError {
  readonly status = 400;

  constructor(
    message: string,
    private readonly invalidConfiguration?: InvalidConfigurationDetail[],
  ) {
    super(message);
  }

  override body(): Record<string, unknown> {
    if (!this.invalidConfiguration) return { Message: this.message };
    return {
      Message: this.message,
      Reason: 'InvalidConfiguration',
      Details: { InvalidConfiguration: this.invalidConfiguration },
    };
  }
}

export class ResourceNotFoundException extends AppConfigServiceError {
  readonly status = 404;

  constructor(
    message: string,
    private readonly resourceName?: string,
  ) {
    super(message);
  }

  override body(): Record<string, unknown> {
    return { Message: this.message, ...(this.resourceName ? { ResourceName: this.resourceName } : {}) };
  }
}

export class ConflictException extends AppConfigServiceError {
  readonly status = 409;
}
