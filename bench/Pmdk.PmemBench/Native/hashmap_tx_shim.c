/* Bench shim over PMDK's hashmap_tx example: create the map in the root object, insert and get by key (PMDK: examples/libpmemobj/hashmap/hashmap_tx.c). */
/* Our own code, compiled with gcc at bench start together with Debian's hashmap_tx.c into a temporary .so. */
#include <libpmemobj.h>
#include "hashmap_tx.h"

/* Creates the map (hm_tx_create, seed 0) with its TOID in a 16-byte root; returns the map's oid, OID_NULL on failure. */
PMEMoid
bench_hm_create(PMEMobjpool *pop)
{
	PMEMoid root = pmemobj_root(pop, sizeof(PMEMoid));
	if (OID_IS_NULL(root))
		return OID_NULL;
	TOID(struct hashmap_tx) *map = pmemobj_direct(root);
	struct hashmap_args args = { 0 };
	if (hm_tx_create(pop, map, &args) != 0)
		return OID_NULL;
	return map->oid;
}

/* hm_tx_insert: 0 inserted, 1 already there, -1 aborted. */
int
bench_hm_insert(PMEMobjpool *pop, PMEMoid map, uint64_t key, PMEMoid value)
{
	TOID(struct hashmap_tx) m;
	TOID_ASSIGN(m, map);
	return hm_tx_insert(pop, m, key, value);
}

/* hm_tx_get: the value, OID_NULL when the key is absent. */
PMEMoid
bench_hm_get(PMEMobjpool *pop, PMEMoid map, uint64_t key)
{
	TOID(struct hashmap_tx) m;
	TOID_ASSIGN(m, map);
	return hm_tx_get(pop, m, key);
}
