// Selectors run on every change of the store and on every frame. What one derives is kept with
// the object it derives from (a sample's rows, the alert list) and the other input it read last
// (the sort, the filter), so it is worked out once per sample and view, not once per call.

/** `compute(object, key)`, remembered per object for the last key it was asked with; keys compare with `isSame` (Object.is unless given). */
export function memoPerObject<O extends object, K, V>(compute: (object: O, key: K) => V, isSame: (a: K, b: K) => boolean = Object.is): (object: O, key: K) => V {
	const cache = new WeakMap<O, {key: K; value: V}>();
	return (object, key) => {
		const cached = cache.get(object);
		if (cached && isSame(cached.key, key)) return cached.value;
		const value = compute(object, key);
		cache.set(object, {key, value});
		return value;
	};
}

/** `compute(object)`, remembered per object. */
export function memoOf<O extends object, V>(compute: (object: O) => V): (object: O) => V {
	const cache = new WeakMap<O, V>();
	return object => {
		if (cache.has(object)) return cache.get(object)!;
		const value = compute(object);
		cache.set(object, value);
		return value;
	};
}
