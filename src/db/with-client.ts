// A single short-lived connection, for the few statements that must run outside Prisma
// (creating and dropping databases).
import pg from 'pg';

export async function withClient<T>(connectionString: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
