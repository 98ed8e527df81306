import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

/** A network service login: the fields the database, Redis and SMTP secrets share (subclasses inherit the validation). */
export class ServiceLoginSecret {
  @IsString()
  host!: string;
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;
  @IsString()
  username!: string;
  @IsString()
  @MinLength(8)
  password!: string;
}

/** The database secret, in the layout AWS uses for RDS secrets (so the rotation handlers understand it). */
export class PostgresSecret extends ServiceLoginSecret {
  @IsIn(['postgres'])
  engine!: 'postgres';
  @IsString()
  dbname!: string;
  /** Name or ARN of the superuser secret (alternating-users rotation). */
  @IsOptional()
  @IsString()
  masterarn?: string;
}

/** The Redis secret. */
export class RedisSecret extends ServiceLoginSecret {
  /** Name or ARN of the admin user secret (ACL rotation). */
  @IsOptional()
  @IsString()
  masterarn?: string;
}

/** The Stripe API key secret. */
export class StripeApiKeySecret {
  @IsString()
  @MinLength(8)
  secretKey!: string;
}

/** The Stripe webhook signing secret. */
export class StripeWebhookSecret {
  @IsString()
  @MinLength(16)
  webhookSecret!: string;
}

/** The JWT signing key secret (HS256: at least 32 characters). */
export class JwtKeySecret {
  @IsString()
  @MinLength(32)
  key!: string;
}

/** The SMTP relay secret. */
export class SmtpSecret extends ServiceLoginSecret {
  /** Sender, `name <address>` or an address. */
  @IsString()
  @MinLength(3)
  from!: string;
}
