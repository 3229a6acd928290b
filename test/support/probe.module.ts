import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { IsEmail, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { Public } from '@/access/access.decorators';
import { DomainException } from '@/common/errors/domain.exception';

class AddressDto {
  @IsString()
  @Length(2, 40)
  city!: string;
}

class EchoDto {
  @IsString()
  @Length(2, 40)
  name!: string;

  @IsEmail()
  email!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}

/** Routes that exist only in tests, to exercise the cross-cutting HTTP behaviour. */
/** A coded error with an extension and a header, as a module's `*.exception.ts` would declare it. */
class ProbeConflict extends DomainException {
  constructor() {
    super({
      code: 'probe.conflict',
      status: 409,
      detail: 'Revision 3 is stale.',
      extensions: { currentRevision: 4 },
      headers: { etag: '"4"' },
    });
  }
}

@Controller('_probe')
class ProbeController {
  @Post('echo')
  @Public()
  echo(@Body() body: EchoDto): EchoDto {
    return body;
  }

  @Get('items/:id')
  @Public()
  item(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Get('boom')
  @Public()
  boom(): never {
    throw new Error('database password=hunter2 leaked in a stack');
  }

  @Get('conflict')
  @Public()
  conflict(): never {
    throw new ProbeConflict();
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}

/** A controller that forgot its access policy: the app must refuse to boot with it. */
@Controller('_unguarded')
class UnguardedController {
  @Get()
  open(): string {
    return 'should never be served';
  }
}

@Module({ controllers: [UnguardedController] })
export class UnguardedModule {}
