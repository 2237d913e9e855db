package dev.plangate.billing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/** Which Stripe customer and subscription each Plangate customer is. */
@Repository
class BillingCustomerRepository {

	private final JdbcClient jdbc;

	BillingCustomerRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Optional<String> customerOf(String stripeCustomerId) {
		return jdbc.sql("select customer_id from billing_customer where stripe_customer_id = :stripe")
			.param("stripe", stripeCustomerId)
			.query(String.class)
			.optional();
	}

	Optional<Link> find(String customerId) {
		return jdbc.sql("select * from billing_customer where customer_id = :customer")
			.param("customer", customerId)
			.query(BillingCustomerRepository::link)
			.optional();
	}

	/**
	 * Links a customer to its Stripe customer (and subscription, when known), or updates
	 * the link.
	 */
	void link(String customerId, String stripeCustomerId, @Nullable String subscriptionId, Instant at) {
		int updated = jdbc.sql("""
				update billing_customer set stripe_customer_id = :stripe,
				  stripe_subscription_id = coalesce(:subscription, stripe_subscription_id), updated_at = :at
				where customer_id = :customer""")
			.param("customer", customerId)
			.param("stripe", stripeCustomerId)
			.param("subscription", subscriptionId)
			.param("at", Timestamps.sql(at))
			.update();
		if (updated == 0) {
			jdbc.sql("""
					insert into billing_customer (customer_id, stripe_customer_id, stripe_subscription_id, created_at,
					  updated_at)
					values (:customer, :stripe, :subscription, :at, :at) on conflict do nothing""")
				.param("customer", customerId)
				.param("stripe", stripeCustomerId)
				.param("subscription", subscriptionId)
				.param("at", Timestamps.sql(at))
				.update();
		}
	}

	/** Locks a customer's link until the transaction ends. */
	Optional<Link> lock(String customerId) {
		return jdbc.sql("select * from billing_customer where customer_id = :customer for update")
			.param("customer", customerId)
			.query(BillingCustomerRepository::link)
			.optional();
	}

	/** Forgets a customer's Stripe subscription, once Stripe ended it. */
	void subscriptionEnded(String customerId, String subscriptionId, Instant at) {
		jdbc.sql("""
				update billing_customer set stripe_subscription_id = null, updated_at = :at
				where customer_id = :customer and stripe_subscription_id = :subscription""")
			.param("customer", customerId)
			.param("subscription", subscriptionId)
			.param("at", Timestamps.sql(at))
			.update();
	}

	void stateAt(String customerId, Instant at) {
		jdbc.sql("update billing_customer set state_at = :at where customer_id = :customer")
			.param("customer", customerId)
			.param("at", Timestamps.sql(at))
			.update();
	}

	private static Link link(ResultSet rs, int n) throws SQLException {
		return new Link(rs.getString("customer_id"), rs.getString("stripe_customer_id"),
				rs.getString("stripe_subscription_id"), Timestamps.read(rs, "state_at"));
	}

	/**
	 * @param stateAt when Stripe created the newest subscription event applied to the
	 * customer
	 */
	record Link(String customerId, String stripeCustomerId, @Nullable String stripeSubscriptionId,
			@Nullable Instant stateAt) {
	}

}
