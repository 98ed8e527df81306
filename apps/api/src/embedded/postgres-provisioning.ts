import { Client } from 'pg';
import type { PostgresSecret } from '../secrets/secret-shapes.js';

type AdminLogin = Pick<PostgresSecret, 'host' | 'port' | 'username' | 'password'>;

async function withClient<T>(login: AdminLogin, database: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ host: login.host, port: login.port, user: login.username, password: login.password, database, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether the superuser can log in (used to wait for start-up). */
export async function canLogIn(login: AdminLogin): Promise<boolean> {
  return withClient(login, 'postgres', async (c) => (await c.query('select 1')).rowCount === 1);
}

/**
 * Makes the API's role and database exist, and gives the role the password of the secret's
 * AWSCURRENT version (so a cluster survives a lost rotation step). Idempotent.
 */
export async function provisionAppDatabase(admin: AdminLogin, app: PostgresSecret): Promise<void> {
  await withClient(admin, 'postgres', async (c) => {
    const role = await c.query('select 1 from pg_roles where rolname = $1', [app.username]);
    const verb = role.rowCount === 0 ? 'CREATE' : 'ALTER';
    const { rows } = await c.query<{ sql: string }>(`select format('${verb} ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text) as sql`, [app.username, app.password]);
    await c.query(rows[0].sql);
    const db = await c.query('select 1 from pg_database where datname = $1', [app.dbname]);
    if (db.rowCount === 0) {
      const { rows: create } = await c.query<{ sql: string }>(`select format('CREATE DATABASE %I OWNER %I', $1::text, $2::text) as sql`, [app.dbname, app.username]);
      await c.query(create[0].sql);
    }
  });
}
