package io.mesh4j.internal.lb;

import io.mesh4j.lb.PickRequest;
import io.mesh4j.lb.PickResult;
import io.mesh4j.lb.Picker;

/** Published when discovery reports an empty endpoint list. */
final class NoEndpointPicker implements Picker {

  private final PickResult result;

  NoEndpointPicker(String serviceName) {
    this.result = PickResult.noEndpoint("no endpoints for service " + serviceName);
  }

  @Override
  public PickResult pick(PickRequest request) {
    return result;
  }
}
