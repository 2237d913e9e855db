package dev.plangate.batch;

import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/** The customer of the end user calling {@code /v1/me/batches…}. */
final class MyCustomer {

	private MyCustomer() {
	}

	static String id() {
		return Actor.currentCustomer()
			.orElseThrow(() -> new PlangateException(ErrorCode.FORBIDDEN,
					"/v1/me/batches… answers for the customer of an end user's access token; "
							+ "with a server key, use /v1/batches?customerId=…"));
	}

}
