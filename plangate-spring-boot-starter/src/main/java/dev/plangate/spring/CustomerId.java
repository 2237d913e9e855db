package dev.plangate.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter holding the customer's id for the method's {@link RequiresFeature},
 * {@link Consumes} and {@link ConcurrencyLimited}: it takes precedence over the
 * {@link PlangateCustomerResolver}, for a service called outside the customer's request
 * (a queue consumer, a scheduled job). Its value's {@code toString()} is the id.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CustomerId {

}
