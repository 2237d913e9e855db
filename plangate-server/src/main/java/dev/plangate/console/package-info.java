/**
 * The console: the operators' web back office at {@code /console}, server-rendered pages
 * signed into with a Plangate account and its second factor, in a cookie session of its
 * own security filter chain.
 */
@ApplicationModule
@NullMarked
package dev.plangate.console;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;
