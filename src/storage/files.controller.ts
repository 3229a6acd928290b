import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@/access/access.decorators';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { FileStorage } from './file-storage';
import { LocalFileStorage } from './local-file-storage';
import { FileLinkInvalid } from './storage.exception';

/** Serves the local driver's signed links (the S3 driver's links go to the object store itself). */
@ApiTags('files')
@Controller('files')
export class FilesController {
  constructor(@Inject(FileStorage) private readonly storage: FileStorage) {}

  @Get('*')
  @Public()
  @ApiOperation({
    summary: 'A stored file, by a signed link',
    description:
      'Links are made by Parley (speech audio for visitors, downloads) and expire after `SIGNED_URL_TTL_SECONDS` ' +
      '(or the lifetime given when made). Any change to the path or the query breaks the signature. With ' +
      '`STORAGE_DRIVER=s3` links point at the object store and this route answers 404.',
  })
  @ApiParam({ name: '*', description: 'The file key' })
  @ApiQuery({ name: 'expires', description: 'Unix time the link expires' })
  @ApiQuery({ name: 'name', required: false, description: 'Served as an attachment with this name' })
  @ApiQuery({ name: 'signature', description: 'HMAC of the key, expiry and name' })
  @ApiOkResponse({ description: 'The file, with its content type' })
  @ApiProblems(404)
  async file(
    @Param('*') key: string,
    @Query('expires') expires: string | undefined,
    @Query('name') name: string | undefined,
    @Query('signature') signature: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const storage = this.storage;
    if (!(storage instanceof LocalFileStorage) || !signature || !expires || !/^\d{1,12}$/.test(expires)) {
      throw new FileLinkInvalid();
    }
    let found: Awaited<ReturnType<LocalFileStorage['get']>>;
    try {
      if (!storage.verifyLink({ key, expires: Number(expires), downloadName: name }, signature)) {
        throw new FileLinkInvalid();
      }
      found = await storage.get(key);
    } catch (err) {
      if (err instanceof FileLinkInvalid) throw err;
      throw new FileLinkInvalid(); // an invalid key
    }
    if (!found) throw new FileLinkInvalid();
    const disposition = name ? `attachment; filename*=UTF-8''${encodeURIComponent(name)}` : 'inline';
    void reply.headers({
      'content-type': found.file.contentType,
      'content-length': String(found.file.size),
      'content-disposition': disposition,
      'cache-control': 'private, max-age=60',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    });
    return reply.send(found.body);
  }
}
