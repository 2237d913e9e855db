package dev.plangate.identity.token;

import java.time.Clock;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.plangate.customer.CustomerEvents;

/**
 * A suspended or deleted customer's customer-scoped tokens stop working, in the
 * transaction that changed the customer. Tokens minted after it is active again work.
 */
@Component
class TokenCustomerChanges {

	private final TokenRevocations revocations;

	private final Clock clock;

	TokenCustomerChanges(TokenRevocations revocations, Clock clock) {
		this.revocations = revocations;
		this.clock = clock;
	}

	@EventListener
	void on(CustomerEvents.StatusChanged changed) {
		if (!changed.active()) {
			revocations.revokeSubject(AccessClaims.customerSubject(changed.customerId()), clock.instant());
		}
	}

	@EventListener
	void on(CustomerEvents.Deleted deleted) {
		revocations.revokeSubject(AccessClaims.customerSubject(deleted.customerId()), clock.instant());
	}

}
