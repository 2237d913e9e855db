package dev.plangate.enforcement;

class InMemoryRateLimitStoreTest extends RateLimitStoreContract {

	private final InMemoryRateLimitStore store = new InMemoryRateLimitStore();

	@Override
	RateLimitStore store() {
		return store;
	}

}
