import { Global, Module } from '@nestjs/common';
import type { OrganizationId } from '@/access/organization-id';
import { ConnectionSecrets, type ResolvedConnection } from '@/integrations/connections/connection-secrets';

/** Connections the test put, by id (each test file runs in a process of its own). */
const connections = new Map<string, ResolvedConnection & { organizationId: string }>();

/**
 * A stand-in for the connections module's `ConnectionSecrets` (the vault branch implements it
 * behind `/api/v1/connections`), for specs that need an organization's OpenAI key before that
 * merge: `startTestApp(env, { extraModules: [TestConnectionsModule] })`, then `putOpenAiConnection`.
 */
class MapConnectionSecrets extends ConnectionSecrets {
  find(organizationId: OrganizationId, connectionId: string): Promise<ResolvedConnection | null> {
    const found = connections.get(connectionId);
    return Promise.resolve(found && found.organizationId === organizationId ? found : null);
  }
}

@Global()
@Module({ providers: [{ provide: ConnectionSecrets, useClass: MapConnectionSecrets }], exports: [ConnectionSecrets] })
export class TestConnectionsModule {}

export function putOpenAiConnection(
  organizationId: string,
  id: string,
  secrets: { apiKey: string },
  settings: { baseUrl?: string; organization?: string } = {},
): void {
  connections.set(id, {
    id,
    name: `OpenAI ${id}`,
    organizationId,
    credentials: { type: 'openai', settings, secrets },
  });
}
