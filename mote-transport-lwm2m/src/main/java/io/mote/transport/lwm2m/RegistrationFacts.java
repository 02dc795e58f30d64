package io.mote.transport.lwm2m;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.leshan.core.link.DefaultLinkSerializer;
import org.eclipse.leshan.server.registration.Registration;

import io.mote.common.json.Json;
import io.mote.common.kv.KvEntry;

/** What a registration announced, as the device's client attributes and as a transportLog line. */
final class RegistrationFacts {

    private RegistrationFacts() {
    }

    /** Registration details, stored as the device's client attributes. */
    static List<KvEntry> attributes(Registration r) {
        List<KvEntry> kv = new ArrayList<>();
        kv.add(KvEntry.ofString("lwm2mEndpoint", r.getEndpoint()));
        kv.add(KvEntry.ofString("lwm2mRegistrationId", r.getId()));
        kv.add(KvEntry.ofString("lwm2mVersion", r.getLwM2mVersion().toString()));
        kv.add(KvEntry.ofString("lwm2mBinding", r.getBindingMode().stream().map(Enum::name).reduce("", String::concat)));
        kv.add(KvEntry.ofLong("lwm2mLifetime", r.getLifeTimeInSec()));
        kv.add(KvEntry.ofBoolean("lwm2mQueueMode", r.usesQueueMode()));
        kv.add(KvEntry.ofString("lwm2mAddress", r.getSocketAddress().getAddress().getHostAddress() + ":"
                + r.getSocketAddress().getPort()));
        Map<String, String> objects = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        r.getSupportedObject().forEach((id, v) -> objects.put(String.valueOf(id), v.toString()));
        kv.add(KvEntry.ofJson("lwm2mObjects", Json.write(objects)));
        kv.add(KvEntry.ofString("lwm2mObjectLinks", objectLinks(r)));
        return kv;
    }

    static String objectLinks(Registration r) {
        return new DefaultLinkSerializer().serializeCoreLinkFormat(r.getObjectLinks());
    }

    /** The transportLog line of a new registration. */
    static String registeredLine(Registration r) {
        return "Registered: endpoint " + r.getEndpoint() + ", LwM2M " + r.getLwM2mVersion()
                + ", binding " + r.getBindingMode() + ", lifetime " + r.getLifeTimeInSec()
                + " s, objects " + objectLinks(r);
    }
}
