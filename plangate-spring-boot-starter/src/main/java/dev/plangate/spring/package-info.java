/**
 * Plangate for Spring Boot products: the {@link dev.plangate.client.Plangate} client
 * configured from {@code plangate.*} properties, the {@link RequiresFeature},
 * {@link Consumes} and {@link ConcurrencyLimited} annotations, refusals answered as RFC
 * 9457 problems, a health indicator and Micrometer metrics.
 */
@NullMarked
package dev.plangate.spring;

import org.jspecify.annotations.NullMarked;
