package dev.plangate.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The method (or every method of the class) holds one of the customer's slots of a
 * concurrency feature while it runs: a {@link dev.plangate.client.Plangate#lease lease}
 * taken before the call and released when it returns or throws, kept alive by heartbeats
 * however long it runs. With every slot held the method does not run and a
 * {@link PlangateRefusalException} is thrown (a web request answers it 429
 * {@code concurrency_limit_reached} with {@code Retry-After}). The slot is held for the
 * method's own duration: work it hands to other threads is not covered.
 *
 * <pre>{@code
 * &#64;ConcurrencyLimited("concurrent_jobs")
 * &#64;PostMapping("/jobs")
 * JobResult run(…) { … }
 * }</pre>
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ConcurrencyLimited {

	/** The concurrency feature. */
	String value();

	/**
	 * How long the slot stays held should the process die without releasing it, in
	 * seconds (1 to 86,400; default 60).
	 */
	long ttlSeconds() default 60;

}
