// Test support shared by the e2e suites: private moto, PostgreSQL and Redis servers on free ports.
export { freePort, waitFor } from './ports';
export { startMoto, motoDir, testClientConfig, type MotoServer } from './moto';
export { startPostgres, type PostgresServer } from './postgres';
export { startRedis, type RedisServer } from './redis';
