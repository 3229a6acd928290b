import type { MixedList } from 'typeorm';
import { Identity1795363349819 } from './1795363349819-Identity';
import { Chatbots1795365317296 } from './1795365317296-Chatbots';
import { ChatSessions1795367303189 } from './1795367303189-ChatSessions';
import { TurnIdempotency1796151938188 } from './1796151938188-TurnIdempotency';
import { EndedSessions1796152208141 } from './1796152208141-EndedSessions';
import { OutboxEvents1796155800000 } from './1796155800000-OutboxEvents';
import { LiveChat1796160000000 } from './1796160000000-LiveChat';
import { LiveChatInbox1796160100000 } from './1796160100000-LiveChatInbox';
import { HotTurnUpdates1796160200000 } from './1796160200000-HotTurnUpdates';
import { Webhooks1796170000000 } from './1796170000000-Webhooks';
import { Connections1796170100000 } from './1796170100000-Connections';
import { WhatsAppChannel1796170300000 } from './1796170300000-WhatsAppChannel';
import { Contacts1796170400000 } from './1796170400000-Contacts';
import { ContactImports1796170500000 } from './1796170500000-ContactImports';
import { ContactsSearchTuning1796170700000 } from './1796170700000-ContactsSearchTuning';
import { Billing1796170800000 } from './1796170800000-Billing';
import { AiCostLedger1796170900000 } from './1796170900000-AiCostLedger';
import { Notifications1796171000000 } from './1796171000000-Notifications';

/**
 * Every migration, oldest first. `npm run migration:generate` writes a new file here; add its class
 * to this list (a unit test fails when a file is missing from it). Migrations are never edited
 * once they have landed.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrations: MixedList<Function> = [
  Identity1795363349819,
  Chatbots1795365317296,
  ChatSessions1795367303189,
  TurnIdempotency1796151938188,
  EndedSessions1796152208141,
  OutboxEvents1796155800000,
  LiveChat1796160000000,
  LiveChatInbox1796160100000,
  HotTurnUpdates1796160200000,
  Webhooks1796170000000,
  Connections1796170100000,
  WhatsAppChannel1796170300000,
  Contacts1796170400000,
  ContactImports1796170500000,
  ContactsSearchTuning1796170700000,
  Billing1796170800000,
  AiCostLedger1796170900000,
  Notifications1796171000000,
];
