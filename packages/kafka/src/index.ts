export { createCloudEvent, parseCloudEvent, serializeCloudEvent } from './cloud-event.ts';
export type { CloudEvent, NewCloudEvent } from './cloud-event.ts';
