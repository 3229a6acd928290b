import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsInt, IsString, IsUrl, Matches, Max, Min, ValidateNested } from 'class-validator';
import { OptionalNotNull } from '@/common/validation/field-validators';

export class TypingEmulationDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ minimum: 10, maximum: 10_000 })
  @OptionalNotNull()
  @IsInt()
  @Min(10)
  @Max(10_000)
  speedCharsPerSecond?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 30_000 })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(30_000)
  maxDelayMs?: number;
}

/** Chatbot settings; every field optional in requests (a partial update). */
export class ChatbotSettingsDto {
  @ApiPropertyOptional({ type: TypingEmulationDto })
  @OptionalNotNull()
  @ValidateNested()
  @Type(() => TypingEmulationDto)
  typingEmulation?: TypingEmulationDto;

  @ApiPropertyOptional({ minimum: 60, maximum: 90 * 86_400, description: 'Session expires after this much inactivity' })
  @OptionalNotNull()
  @IsInt()
  @Min(60)
  @Max(90 * 86_400)
  sessionExpirySeconds?: number;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsBoolean()
  rememberUser?: boolean;

  @ApiPropertyOptional({
    type: [String],
    description: 'Origins allowed to embed the bot; empty: any',
    example: ['https://shop.example'],
  })
  @OptionalNotNull()
  @ArrayMaxSize(50)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { each: true })
  allowedOrigins?: string[];

  @ApiPropertyOptional({ example: 'en' })
  @OptionalNotNull()
  @IsString()
  @Matches(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, { message: 'defaultLanguage must be a BCP 47 language tag' })
  defaultLanguage?: string;
}
