package dev.plangate.catalog;

import java.time.Instant;

/**
 * One version of a plan, as stored: its content never changes once written.
 *
 * @param status of the plan as a whole, not of this version
 * @param current whether this is the version new subscribers get
 */
public record Plan(String key, int version, PlanStatus status, boolean isDefault, boolean current,
		PlanDefinition definition, Instant createdAt) {

	public boolean isActive() {
		return status == PlanStatus.ACTIVE;
	}
}
