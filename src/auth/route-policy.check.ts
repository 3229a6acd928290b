import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AUTH_POLICY } from '@/access/access.decorators';

/**
 * Refuses to boot when a controller route declares no access policy, so a forgotten decorator is
 * a failed start, not an open (or silently closed) route.
 */
@Injectable()
export class RoutePolicyCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const missing: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || !wrapper.metatype) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const policy: unknown = this.reflector.getAllAndOverride(AUTH_POLICY, [handler, wrapper.metatype]);
        if (!policy) missing.push(`${wrapper.name}.${name}`);
      }
    }
    if (missing.length > 0) {
      throw new Error(
        `Routes without an access policy (@Public, @Authenticated, @Roles or @SuperAdmin): ${missing.join(', ')}`,
      );
    }
  }
}
