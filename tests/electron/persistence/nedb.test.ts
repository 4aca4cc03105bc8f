import { createNedbPersistence } from '../../../electron/persistence/nedb-persistence.js';
import { persistenceContract } from '../../broker-core/persistence/contract.js';

persistenceContract('nedb', async (dir) => ({
  persistence: createNedbPersistence({ dir }),
  reopen: async () => createNedbPersistence({ dir }),
}));
