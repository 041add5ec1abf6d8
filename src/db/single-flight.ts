// Requests that need the same read at the same moment share it: a crowd of readers costs one
// round trip to PostgreSQL, not one each. A request that joins a read already on its way gets
// an answer at most one round trip old, as if it had come that much earlier.
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, read: () => Promise<T>): Promise<T> {
    let pending = this.running.get(key);
    if (!pending) {
      pending = read().finally(() => this.running.delete(key));
      this.running.set(key, pending);
    }
    return pending;
  }
}
