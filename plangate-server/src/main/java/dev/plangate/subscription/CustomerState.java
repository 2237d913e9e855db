package dev.plangate.subscription;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.plangate.customer.Customer;
import dev.plangate.customer.Override;

/**
 * What decides a customer's decisions, as read at one state version: the customer, its
 * subscription as stored (null for a deleted customer's that is gone) and its overrides
 * by feature key.
 */
public record CustomerState(long version, Customer customer, @Nullable Subscription subscription,
		Map<String, Override> overrides) {

}
