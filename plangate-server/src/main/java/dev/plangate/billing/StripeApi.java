package dev.plangate.billing;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * Stripe's API, with provider {@code stripe}: one client per server (no global state),
 * and Stripe's failures as problems a caller can act on.
 */
@Component
class StripeApi {

	private static final Logger log = LoggerFactory.getLogger(StripeApi.class);

	private final BillingSettings billing;

	private final @Nullable StripeClient client;

	StripeApi(BillingSettings billing, StripeSettings stripe) {
		this.billing = billing;
		if (!billing.stripe()) {
			this.client = null;
			return;
		}
		int timeout = Math.toIntExact(stripe.timeout().toMillis());
		this.client = StripeClient.builder()
			.setApiKey(stripe.secretKey())
			.setApiBase(stripe.apiBase().toString().replaceAll("/$", ""))
			.setConnectTimeout(timeout)
			.setReadTimeout(timeout)
			.setMaxNetworkRetries(stripe.retries())
			.build();
	}

	/** A call to Stripe. */
	@FunctionalInterface
	interface Call<T> {

		T on(StripeClient client) throws StripeException;

	}

	/**
	 * Makes a call to Stripe.
	 * @param what what the call does, for the problem when it fails
	 * @throws PlangateException {@code billing_provider_disabled} without Stripe,
	 * {@code payment_provider_unavailable} when Stripe cannot be reached,
	 * {@code payment_provider_refused} with Stripe's reason when it refuses
	 */
	<T> T call(String what, Call<T> call) {
		var stripe = client;
		if (stripe == null) {
			throw disabled(billing);
		}
		try {
			return call.on(stripe);
		}
		catch (ApiConnectionException ex) {
			log.warn("Stripe could not be reached to {}: {}", what, ex.getMessage());
			throw new PlangateException(ErrorCode.PAYMENT_PROVIDER_UNAVAILABLE,
					"Stripe could not be reached to " + what + "; retrying is safe")
				.withHeader("Retry-After", "5");
		}
		catch (StripeException ex) {
			log.warn("Stripe refused to {}: {} (status {}, code {}, request {})", what, ex.getMessage(),
					ex.getStatusCode(), ex.getCode(), ex.getRequestId());
			throw new PlangateException(ErrorCode.PAYMENT_PROVIDER_REFUSED,
					"Stripe refused to " + what + ": " + ex.getUserMessage())
				.with("providerCode", ex.getCode())
				.with("providerRequestId", ex.getRequestId());
		}
	}

	static PlangateException disabled(BillingSettings billing) {
		return new PlangateException(ErrorCode.BILLING_PROVIDER_DISABLED,
				"Stripe does not take this server's payments (PLANGATE_BILLING_PROVIDER is '" + billing.provider()
						+ "')");
	}

}
