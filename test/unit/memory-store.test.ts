import { MemoryStore } from '../../shared/store/memory-store';
import { storeContract } from '../support/store-contract';

storeContract('in memory', async () => new MemoryStore());
