import { IsEmail, IsString, Length } from 'class-validator';

/** Body of `POST /notifications/email`. */
export class SendEmailDto {
  @IsEmail()
  to!: string;

  @IsString()
  @Length(1, 200)
  subject!: string;

  @IsString()
  @Length(1, 10_000)
  text!: string;
}
