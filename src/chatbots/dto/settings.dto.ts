import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class TypingEmulationDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ minimum: 10, maximum: 10_000 })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(10_000)
  speedCharsPerSecond?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 30_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(30_000)
  maxDelayMs?: number;
}

/** Chatbot settings; every field optional in requests (a partial update). */
export class ChatbotSettingsDto {
  @ApiPropertyOptional({ type: TypingEmulationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TypingEmulationDto)
  typingEmulation?: TypingEmulationDto;

  @ApiPropertyOptional({ minimum: 60, maximum: 90 * 86_400, description: 'Session expires after this much inactivity' })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(90 * 86_400)
  sessionExpirySeconds?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  rememberUser?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description: 'Origins allowed to embed the bot; empty: any',
    example: ['https://shop.example'],
  })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { each: true })
  allowedOrigins?: string[];

  @ApiPropertyOptional({ example: 'en' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, { message: 'defaultLanguage must be a BCP 47 language tag' })
  defaultLanguage?: string;
}
