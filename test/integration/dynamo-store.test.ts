import { createDynamoStore } from '../../shared/store/dynamo-store';
import { storeContract } from '../support/store-contract';
import { useSharedEmulators } from '../support/shared-emulators';

useSharedEmulators();
storeContract('DynamoDB (DynamoDB Local)', () => createDynamoStore());
