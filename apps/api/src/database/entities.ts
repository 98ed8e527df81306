import { Order } from './order.entity.js';
import { Payment } from './payment.entity.js';
import { User } from './user.entity.js';

/** Every TypeORM entity of the API. */
export const ENTITIES = [User, Order, Payment];
