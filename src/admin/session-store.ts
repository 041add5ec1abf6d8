// express-session's store over the admin_session table, so that sessions survive restarts and
// every app instance sees the same ones.
import session, { type SessionData } from 'express-session';
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';

type Callback = (err?: unknown) => void;

export class PgSessionStore extends session.Store {
  constructor(
    private readonly db: Db,
    private readonly idleMs: number,
  ) {
    super();
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.db.adminSession
      .findFirst({ where: { sid, expiresAt: { gt: new Date() } } })
      .then((row) => callback(null, row ? (row.data as unknown as SessionData) : null), callback);
  }

  override set(sid: string, data: SessionData, callback?: Callback): void {
    const expiresAt = this.expiry(data);
    const json = data as unknown as Prisma.InputJsonValue;
    this.db.adminSession.upsert({ where: { sid }, create: { sid, data: json, expiresAt }, update: { data: json, expiresAt } }).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  override touch(sid: string, data: SessionData, callback?: Callback): void {
    this.db.adminSession.updateMany({ where: { sid }, data: { expiresAt: this.expiry(data) } }).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  override destroy(sid: string, callback?: Callback): void {
    this.db.adminSession.deleteMany({ where: { sid } }).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  private expiry(data: SessionData): Date {
    return data.cookie.expires ? new Date(data.cookie.expires) : new Date(Date.now() + this.idleMs);
  }
}
