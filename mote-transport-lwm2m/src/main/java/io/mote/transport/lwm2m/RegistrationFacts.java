package io.mote.transport.lwm2m;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
        kv.add(KvEntry.ofString("lwm2mAddress", address(r.getSocketAddress())));
        Map<String, String> objects = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        r.getSupportedObject().forEach((id, v) -> objects.put(String.valueOf(id), v.toString()));
        kv.add(KvEntry.ofJson("lwm2mObjects", Json.write(objects)));
        kv.add(KvEntry.ofString("lwm2mObjectLinks", objectLinks(r)));
        return kv;
    }

    /**
     * {@code 192.0.2.1:56830}, or for IPv6 the bracketed, compressed form of RFC 5952 ({@code [::1]:56830},
     * {@code [2001:db8::7]:5683}) that URIs and tools use, rather than Java's {@code 0:0:0:0:0:0:0:1}.
     */
    static String address(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        if (!(ip instanceof Inet6Address)) {
            return ip.getHostAddress() + ":" + a.getPort();
        }
        byte[] b = ip.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // The longest run of two or more zero groups (the first of equal runs) becomes "::".
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 1 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.append("]:").append(a.getPort()).toString();
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
