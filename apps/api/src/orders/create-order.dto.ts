import { IsIn, IsInt, IsString, Length, Max, Min } from 'class-validator';

/** Body of `POST /orders`. */
export class CreateOrderDto {
  /** Amount in the currency's smallest unit. */
  @IsInt()
  @Min(50)
  @Max(100_000_000)
  amountCents!: number;

  @IsString()
  @IsIn(['usd', 'eur', 'gbp'])
  currency!: string;

  @IsString()
  @Length(1, 200)
  description!: string;
}
