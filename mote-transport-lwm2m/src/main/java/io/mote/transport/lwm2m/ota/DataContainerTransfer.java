package io.mote.transport.lwm2m.ota;

/**
 * Strategy 3 (firmware): the package written into Object 19 instance 0, resource 0 (Data), as ThingsBoard
 * does, whole and sent blockwise (Block1). The client's application moves it on to its firmware: Mote then
 * follows Object 5's State and Update Result and executes Update as with strategy 1.
 */
final class DataContainerTransfer implements Transfer {

    @Override
    public void start(OtaUpdate update, byte[] data) {
        int instance = DataContainer.PACKAGE_INSTANCE;
        DataContainer.write(update.client(), instance, data, update.timeoutMs(), r -> {
            if (r.isSuccess()) {
                update.delivered();
            } else {
                update.refused("the client refused the package in " + DataContainer.path(instance) + ": "
                        + r.getCode().getName() + (r.getErrorMessage() == null ? "" : " " + r.getErrorMessage()));
            }
        }, e -> update.brokeOff("the package transfer broke off: " + e.getMessage()));
    }
}
