/**
 * A KTable update as it travels between table operators: the new value and, when a
 * downstream operator asked for it (`enableSendingOldValues`), the value it replaces.
 */
export class Change<V> {
  constructor(
    readonly newValue: V | null,
    readonly oldValue: V | null,
    readonly isLatest = true,
  ) {}

  toString(): string {
    return `(${String(this.newValue)}<-${String(this.oldValue)})`;
  }
}
