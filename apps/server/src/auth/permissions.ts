// The policy lives in the protocol package so the console hides exactly what the server refuses.
export { can, PERMISSIONS, type Permission } from '@sightline/protocol/permissions';
