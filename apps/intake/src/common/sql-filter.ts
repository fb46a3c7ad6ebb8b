/** Collects optional `AND` conditions with numbered parameters for a list query. */
export class SqlFilter {
  readonly where: string[] = [];
  readonly params: unknown[] = [];

  /** Adds a condition; every `?` in it stands for `value`. */
  add(sql: string, value: unknown): void {
    this.params.push(value);
    this.where.push(sql.replaceAll('?', `$${this.params.length}`));
  }

  /** A parameter outside the conditions (e.g. the LIMIT); returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  get clause(): string {
    return this.where.length ? `WHERE ${this.where.join(' AND ')}` : '';
  }
}
