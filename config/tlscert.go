package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"time"
)

// selfSignedValidity is how long a generated certificate is valid; it is
// regenerated on the next start after it expires.
const selfSignedValidity = 5 * 365 * 24 * time.Hour

// ensureSelfSigned reuses a still-valid certificate/key pair at cert/key or
// generates a new self-signed one for localhost, the host name and extra.
func ensureSelfSigned(dir, cert, key, extra string) (bool, error) {
	if pair, err := tls.LoadX509KeyPair(cert, key); err == nil && pair.Leaf != nil &&
		time.Now().Add(24*time.Hour).Before(pair.Leaf.NotAfter) {
		return false, nil
	}
	if err := os.MkdirAll(dir, dataDirMode); err != nil {
		return false, err
	}
	certPEM, keyPEM, err := selfSigned(extra)
	if err != nil {
		return false, err
	}
	if err := os.WriteFile(key, keyPEM, secretFileMode); err != nil {
		return false, err
	}
	if err := os.WriteFile(cert, certPEM, 0o644); err != nil {
		return false, err
	}
	return true, nil
}

func selfSigned(extra string) (certPEM, keyPEM []byte, err error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	names := []string{"localhost"}
	if h, err := os.Hostname(); err == nil && h != "" && h != "localhost" {
		names = append(names, h)
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if ip := net.ParseIP(extra); ip != nil {
		ips = append(ips, ip)
	} else if extra != "" {
		names = append(names, extra)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "Switchboard self-signed", Organization: []string{"Switchboard"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(selfSignedValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              names,
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return nil, nil, fmt.Errorf("create certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, err
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	return certPEM, keyPEM, nil
}
