package dev.plangate.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Every call of the method (or of every method of the class) takes {@link #amount} of a
 * quota or rate feature from the customer's allowance, atomically, before the method
 * runs: {@link dev.plangate.client.Plangate#consume}. When the allowance is spent the
 * method does not run and a {@link PlangateRefusalException} is thrown (a web request
 * answers it 402 {@code quota_exceeded} or 429 {@code rate_limited} with the
 * {@code RateLimit} headers). In a web request carrying an {@code Idempotency-Key}
 * header, the consume is recorded under that key: a retried request is counted once.
 *
 * <pre>{@code
 * &#64;Consumes(feature = "api_calls")
 * &#64;PostMapping("/reports")
 * Report create(…) { … }
 * }</pre>
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Consumes {

	/** The quota or rate feature. */
	String feature();

	/** How much one call takes (default 1). */
	long amount() default 1;

}
