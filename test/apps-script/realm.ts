// The add-on's own JavaScript realm (a node:vm context), as in Apps Script: errors the
// services throw are the script's Error, arrays they return are the script's arrays.
import vm from 'node:vm';

export class Realm {
  readonly context: vm.Context;
  private readonly _Error: ErrorConstructor;
  private readonly _Array: ArrayConstructor;
  private readonly _JSON: JSON;

  constructor(globals: Record<string, unknown>) {
    this.context = vm.createContext({ ...globals });
    this._Error = vm.runInContext('Error', this.context);
    this._Array = vm.runInContext('Array', this.context);
    this._JSON = vm.runInContext('JSON', this.context);
  }

  define(name: string, value: unknown): void {
    (this.context as Record<string, unknown>)[name] = value;
  }

  run(code: string, filename: string): void {
    vm.runInContext(code, this.context, { filename });
  }

  global(name: string): unknown {
    return (this.context as Record<string, unknown>)[name];
  }

  error(message: string): Error {
    return new this._Error(message);
  }

  /** A grid as the script's own arrays. */
  clone<T>(grid: T[][]): T[][] {
    return this._Array.from(grid, (row) => this._Array.from(row));
  }

  /** A value passed in as google.script.run does: serialized, then parsed in the script's realm. */
  import<T>(value: T): T {
    return value === undefined ? value : (this._JSON.parse(JSON.stringify(value)) as T);
  }
}
