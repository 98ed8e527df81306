import { IsString, Length } from 'class-validator';

/** Body of `POST /auth/token`. */
export class TokenRequestDto {
  @IsString()
  @Length(1, 64)
  username!: string;

  @IsString()
  @Length(1, 200)
  password!: string;
}
