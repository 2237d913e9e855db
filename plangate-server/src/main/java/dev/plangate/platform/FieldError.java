package dev.plangate.platform;

/**
 * One bad field of a request: where it is (a JSON path like {@code entitlements.seats})
 * and what is wrong.
 */
public record FieldError(String field, String message) {
}
