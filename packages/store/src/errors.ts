/** Base class of the errors this package throws on purpose (as opposed to driver errors). */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
}

/** A write would break a uniqueness rule, e.g. a second active API key with the same name. */
export class StoreConflictError extends StoreError {
  override readonly name = 'StoreConflictError';
  /** Which rule: `name`, `prefix` or `id`. */
  readonly field: 'name' | 'prefix' | 'id';
  readonly value: string;

  constructor(field: 'name' | 'prefix' | 'id', value: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.field = field;
    this.value = value;
  }
}

/** The database's migration history disagrees with this build's migrations. */
export class MigrationError extends StoreError {
  override readonly name = 'MigrationError';
  /** The migration the problem is about, e.g. `0001_api_keys`. */
  readonly migration: string;

  constructor(migration: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.migration = migration;
  }
}
