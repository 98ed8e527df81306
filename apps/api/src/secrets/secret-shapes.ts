import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

/** The database secret, in the layout AWS uses for RDS secrets (so the rotation handlers understand it). */
export class PostgresSecret {
  @IsIn(['postgres'])
  engine!: 'postgres';
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
  @IsString()
  dbname!: string;
  /** Name or ARN of the superuser secret (alternating-users rotation). */
  @IsOptional()
  @IsString()
  masterarn?: string;
}

/** The Redis secret. */
export class RedisSecret {
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
export class SmtpSecret {
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
  /** Sender, `name <address>` or an address. */
  @IsString()
  @MinLength(3)
  from!: string;
}
