package dev.plangate.metering;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The grants one ledger transaction draws on. A customer's grants of a feature are locked
 * the first time a consume needs them, so that every node sees the same balance, and then
 * drawn on in memory for the rest of the batch; the draws are written with the events.
 */
final class GrantDraws {

	/** {@code amount} of one event taken from one grant. */
	record Draw(UsageEvent event, UUID grantId, long amount) {
	}

	private final GrantRepository repository;

	private final Instant now;

	/** Per customer and feature: what is left of each active grant, in drawing order. */
	private final Map<String, List<long[]>> balances = new HashMap<>();

	private final Map<String, List<UUID>> ids = new HashMap<>();

	GrantDraws(GrantRepository repository, Instant now) {
		this.repository = repository;
		this.now = now;
	}

	/**
	 * Takes {@code amount} for an event, soonest-expiring grant first; nothing when the
	 * grants hold less.
	 */
	@Nullable List<Draw> take(UsageEvent event, long amount) {
		var key = keyOf(event);
		var left = balances(event);
		if (total(left) < amount) {
			return null;
		}
		var draws = new ArrayList<Draw>();
		long needed = amount;
		for (int i = 0; i < left.size() && needed > 0; i++) {
			long taken = Math.min(needed, left.get(i)[0]);
			if (taken > 0) {
				left.get(i)[0] -= taken;
				needed -= taken;
				draws.add(new Draw(event, ids.get(key).get(i), taken));
			}
		}
		return draws;
	}

	/**
	 * Gives back what {@link #take} took for an event that was not recorded after all.
	 */
	void giveBack(List<Draw> draws) {
		for (var draw : draws) {
			var key = keyOf(draw.event());
			balances.get(key).get(ids.get(key).indexOf(draw.grantId()))[0] += draw.amount();
		}
	}

	/**
	 * The grants that {@code applied} (the draws written, after every {@link #giveBack})
	 * left with nothing: each was locked holding more, so a grant is found spent by one
	 * transaction only, on whichever node.
	 */
	Set<UUID> spentBy(List<Draw> applied) {
		var spent = new LinkedHashSet<UUID>();
		for (var draw : applied) {
			var key = keyOf(draw.event());
			if (balances.get(key).get(ids.get(key).indexOf(draw.grantId()))[0] == 0) {
				spent.add(draw.grantId());
			}
		}
		return spent;
	}

	/**
	 * What the customer's active grants of the event's feature hold now; absent when it
	 * has none.
	 */
	@Nullable Long left(UsageEvent event) {
		var left = balances(event);
		return left.isEmpty() ? null : total(left);
	}

	private List<long[]> balances(UsageEvent event) {
		var key = keyOf(event);
		var left = balances.get(key);
		if (left == null) {
			var grants = repository.lockActive(event.customerId(), event.feature(), now);
			left = new ArrayList<>(grants.stream().map(g -> new long[] { g.remaining() }).toList());
			balances.put(key, left);
			ids.put(key, grants.stream().map(Grant::id).toList());
		}
		return left;
	}

	private static long total(List<long[]> left) {
		return left.stream().mapToLong(b -> b[0]).sum();
	}

	private static String keyOf(UsageEvent event) {
		return event.customerId() + '\u0000' + event.feature();
	}

}
