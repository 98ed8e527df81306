import { BadRequestException, Body, Controller, Get, Headers, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { JwtAuthGuard, type AuthenticatedRequest } from '../auth/jwt-auth.guard.js';
import { IdempotencyService } from '../redis/idempotency.service.js';
import { RateLimitGuard } from '../redis/rate-limit.guard.js';
import { CreateOrderDto } from './create-order.dto.js';
import { OrdersService } from './orders.service.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_\-:.]{8,128}$/;

@Controller('orders')
@UseGuards(JwtAuthGuard, RateLimitGuard)
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** Creates an order once per `Idempotency-Key`; a repeat returns the same order with `Idempotent-Replayed: true`. */
  @Post()
  @HttpCode(201)
  async create(
    @Req() req: AuthenticatedRequest,
    @Body() body: CreateOrderDto,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (!key) throw new BadRequestException('Missing Idempotency-Key header');
    if (!IDEMPOTENCY_KEY.test(key)) throw new BadRequestException('Idempotency-Key must be 8-128 characters of A-Z a-z 0-9 _ - : .');
    const claim = await this.idempotency.claim(req.user.sub, key);
    if (!claim.fresh) {
      const existing = await this.orders.findById(claim.resultId);
      if (!existing) throw new NotFoundException('The order of this Idempotency-Key no longer exists');
      res.status(200).setHeader('Idempotent-Replayed', 'true');
      return existing;
    }
    try {
      const order = await this.orders.create(req.user.sub, body);
      await this.idempotency.complete(req.user.sub, key, order.id);
      return order;
    } catch (err) {
      await this.idempotency.release(req.user.sub, key).catch(() => undefined);
      throw err;
    }
  }

  @Get(':id')
  async get(@Req() req: AuthenticatedRequest, @Param('id', new ParseUUIDPipe()) id: string, @Res({ passthrough: true }) res: Response) {
    const { order, cached } = await this.orders.findForUser(req.user.sub, id);
    if (!order) throw new NotFoundException('No such order');
    res.setHeader('X-Cache', cached ? 'hit' : 'miss');
    return order;
  }
}
