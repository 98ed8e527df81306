import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

// JSON logs: Keyturn's structured fields (secret ids, versions, codes; never values) are properties.
const app = await NestFactory.create(AppModule, { logger: new ConsoleLogger({ json: true }) });
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
