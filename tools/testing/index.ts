// Test support shared by the e2e suites: private moto, PostgreSQL and Redis servers on free ports.
export { freePort, waitFor } from './ports';
export { startMoto, motoServerBin, testClientConfig, type MotoServer } from './moto';
export { startPostgres, type PostgresServer } from './postgres';
export { startRedis, type RedisServer } from './redis';
export { spawnServer, type ServerProcess } from './servers';
export { chromiumLaunchOptions } from './chromium';
export { startTestEmulator, type TestEmulator } from './emulator';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
