/*
 * The Java oracle of the trust map tests: connects to host:port the way MI's HTTPS sender does (JSSE with
 * a PKIX TrustManagerFactory over the truststore, a SunX509 KeyManagerFactory over the keystore, the
 * enabled protocols, SNI for host names) and then applies Synapse's host name rule. Prints one word: the
 * outcome. Arguments: host port timeoutMs truststore truststoreType truststorePassword keystore|-
 * keystoreType keystorePassword keyPassword protocols(comma-separated) verifier(Default|DefaultAndLocalhost|
 * Strict|AllowAll).
 */
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

public class TlsOracle {
    /** The key manager as JSSE uses it, remembering whether the server asked for a key and whether one was chosen. */
    static RecordingKeyManager recorder;

    static final class RecordingKeyManager extends X509ExtendedKeyManager {
        final X509KeyManager d;
        boolean asked;
        String chosen;
        RecordingKeyManager(X509KeyManager d) { this.d = d; }
        public String chooseClientAlias(String[] t, Principal[] i, Socket s) { asked = true; return chosen = d.chooseClientAlias(t, i, s); }
        public String chooseEngineClientAlias(String[] t, Principal[] i, SSLEngine e) { asked = true; return chosen = d.chooseClientAlias(t, i, null); }
        public String chooseServerAlias(String t, Principal[] i, Socket s) { return d.chooseServerAlias(t, i, s); }
        public String[] getClientAliases(String t, Principal[] i) { return d.getClientAliases(t, i); }
        public String[] getServerAliases(String t, Principal[] i) { return d.getServerAliases(t, i); }
        public X509Certificate[] getCertificateChain(String a) { return d.getCertificateChain(a); }
        public PrivateKey getPrivateKey(String a) { return d.getPrivateKey(a); }
    }

    public static void main(String[] a) {
        try {
            System.out.println(run(a));
        } catch (Throwable t) {
            System.out.println(classify(t));
        }
    }

    static String run(String[] a) throws Exception {
        String host = a[0];
        int port = Integer.parseInt(a[1]);
        int timeout = Integer.parseInt(a[2]);
        KeyStore ts = KeyStore.getInstance(a[4]);
        try (InputStream in = new FileInputStream(a[3])) { ts.load(in, a[5].toCharArray()); }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        KeyManager[] kms = null;
        if (!a[6].equals("-")) {
            KeyStore ks = KeyStore.getInstance(a[7]);
            try (InputStream in = new FileInputStream(a[6])) { ks.load(in, a[8].toCharArray()); }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, a[9].toCharArray());
            kms = new KeyManager[] { recorder = new RecordingKeyManager((X509KeyManager) kmf.getKeyManagers()[0]) };
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kms, tmf.getTrustManagers(), null);
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), timeout);
        } catch (Exception e) {
            return "unreachable";
        }
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
        try {
            s.setSoTimeout(timeout);
            s.setEnabledProtocols(a[10].split(","));
            s.startHandshake();
            // Under TLS 1.3 a server refuses the client certificate after the client finished: read its alert.
            s.setSoTimeout(1000);
            try {
                // End of stream at once: the server hung up on the client after the handshake (a server
                // that checks the client certificate only then, as Node's do, refuses it this way).
                if (s.getInputStream().read() < 0) return "closed-after-handshake";
            } catch (SocketTimeoutException quiet) { /* accepted */ }
            X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
            return verifyHost(a[11], host, leaf) ? "trusted" : "hostname-mismatch";
        } finally {
            s.close();
        }
    }

    static boolean verifyHost(String verifier, String host, X509Certificate cert) throws Exception {
        if (verifier.equals("AllowAll")) return true;
        String h = host.trim().toLowerCase(Locale.US);
        if (verifier.equals("DefaultAndLocalhost")
                && (h.equals("::1") || h.equals("127.0.0.1") || h.equals("localhost") || h.equals("localhost.localdomain"))) return true;
        List<String> names = new ArrayList<>();
        String cn = null;
        for (Rdn r : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
            if (r.getType().equalsIgnoreCase("CN")) cn = r.getValue().toString(); // the last in list order is the most specific
        }
        if (cn != null) names.add(cn);
        Collection<List<?>> alts = cert.getSubjectAlternativeNames();
        if (alts != null) for (List<?> alt : alts) if (((Integer) alt.get(0)) == 2) names.add((String) alt.get(1));
        boolean strict = verifier.equals("Strict");
        for (String n : names) {
            String c = n.toLowerCase(Locale.US);
            boolean wildcard = c.startsWith("*.") && c.indexOf('.', 2) > 0 && !h.matches("[0-9.]+|.*:.*");
            if (wildcard) {
                if (h.endsWith(c.substring(1)) && (!strict || h.split("\\.").length == c.split("\\.").length)) return true;
            } else if (h.equals(c)) {
                return true;
            }
        }
        return false;
    }

    static String classify(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException || c instanceof CertificateNotYetValidException) return "expired";
            if (c instanceof CertPathValidatorException
                    && ((CertPathValidatorException) c).getReason() == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) return "algorithm-disabled";
            if (c instanceof ConnectException) return "unreachable";
            all.append(c.getClass().getName()).append(": ").append(c.getMessage()).append(" | ");
        }
        String m = all.toString();
        System.err.println(m);
        // The server asked for a certificate, JSSE's key manager had none it accepts, and the handshake failed.
        if (recorder != null && recorder.asked && recorder.chosen == null && !m.contains("certification path") && !m.contains("PKIX")) return "client-certificate-required";
        if (m.contains("Algorithm constraints check failed")) return "algorithm-disabled";
        if (m.contains("unable to find valid certification path") || m.contains("PKIX path")) return "path-failed";
        if (m.contains("protocol_version") || m.contains("No appropriate protocol")) return "protocol-mismatch";
        if (m.contains("certificate_required") || m.contains("bad_certificate") || m.contains("unknown_ca")
                || m.contains("handshake_failure") || m.contains("certificate_unknown")) return "client-certificate-required";
        return "error: " + m;
    }
}
