/**
 * What other domains may use of the catalog: the keys of an item's head (with
 * its published copy) and of one of its versions, to read in their own batch.
 */
export { itemHeadKey, itemVersionKey, type StoredHead } from './store.ts';
